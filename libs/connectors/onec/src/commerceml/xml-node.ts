/**
 * A small element tree built for one record at a time (one `Товар`, one `Документ`), so the mappers can read
 * children in any order while the document as a whole is streamed. Names are local names (prefix stripped).
 */
export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
  line: number;
  column: number;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((candidate) => candidate.name === name);
}

export function childrenNamed(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((candidate) => candidate.name === name) : [];
}

/** `childrenNamed(child(node, 'Товары'), 'Товар')` for the common wrapper/item pairs. */
export function items(node: XmlNode | undefined, wrapper: string, item: string): XmlNode[] {
  return childrenNamed(child(node, wrapper), item);
}

/** Trimmed text of the node; null when the node is missing or empty (`<Описание/>`). */
export function text(node: XmlNode | undefined): string | null {
  const trimmed = node?.text.trim();
  return trimmed ? detach(trimmed) : null;
}

export function childText(node: XmlNode | undefined, name: string): string | null {
  return text(child(node, name));
}

export function attribute(node: XmlNode | undefined, name: string): string | null {
  const trimmed = node?.attributes[name]?.trim();
  return trimmed ? detach(trimmed) : null;
}

// saxes hands out substrings of the 64 KiB chunk it is parsing, and V8 keeps the whole chunk alive for as long as
// any such substring lives. A consumer that keeps, say, every product Ид of a full upload would then pin the whole
// decoded document. Concatenating and slicing forces V8 to copy the characters into a string of their own; strings
// shorter than V8's minimum slice length (13) are copies already.
function detach(value: string): string {
  return value.length < 13 ? value : (' ' + value).slice(1);
}
