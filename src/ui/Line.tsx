/**
 * One terminal line built from coloured parts and cut to a width, so the
 * dashboard truncates instead of wrapping at any screen size.
 */
import { Text } from 'ink';
import { ELLIPSIS } from './format.js';

/** A run of text with one style. */
export interface Part {
  text: string;
  color?: string;
  bold?: boolean;
}

/** Cuts `parts` so their text fits `width` columns (the last visible part ends in an ellipsis when cut). */
export function clipParts(parts: readonly Part[], width: number): Part[] {
  const out: Part[] = [];
  let left = width;
  for (let i = 0; i < parts.length && left > 0; i++) {
    const p = parts[i]!;
    const rest = parts.slice(i + 1).reduce((n, q) => n + q.text.length, 0);
    // Cut inside this part only when the line overflows and this part reaches the edge, so the ellipsis marks the real cut.
    const cut = p.text.length + rest > left && p.text.length >= left;
    const text = cut ? p.text.slice(0, left - 1) + ELLIPSIS : p.text;
    if (text.length > 0) out.push({ ...p, text });
    left -= text.length;
    if (cut) break;
  }
  return out;
}

/** Renders `parts` as one line of at most `width` columns. */
export function Line({ parts, width }: { parts: readonly Part[]; width: number }) {
  const shown = clipParts(parts, width);
  return (
    <Text wrap="truncate">
      {shown.length === 0
        ? ' '
        : shown.map((p, i) => (
            <Text key={i} color={p.color} bold={p.bold}>
              {p.text}
            </Text>
          ))}
    </Text>
  );
}
