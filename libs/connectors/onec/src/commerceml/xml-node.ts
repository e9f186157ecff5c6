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

// Plain loops here and in the mappers' per-record paths rather than find/filter/flatMap: they run dozens of times per
// record, and flatMap (a closure and a throw-away array per call) topped the mapper's self time in a --cpu-prof of a
// 100,000-product import.xml.
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (node) {
    for (const candidate of node.children) {
      if (candidate.name === name) {
        return candidate;
      }
    }
  }
  return undefined;
}

export function childrenNamed(node: XmlNode | undefined, name: string): XmlNode[] {
  const found: XmlNode[] = [];
  if (node) {
    for (const candidate of node.children) {
      if (candidate.name === name) {
        found.push(candidate);
      }
    }
  }
  return found;
}

/** The trimmed, non-empty texts of the children named `name` (`<Группы><Ид>…</Ид>…</Группы>`). */
export function childTexts(node: XmlNode | undefined, name: string): string[] {
  const texts: string[] = [];
  if (node) {
    for (const candidate of node.children) {
      const value = candidate.name === name ? text(candidate) : null;
      if (value !== null) {
        texts.push(value);
      }
    }
  }
  return texts;
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
