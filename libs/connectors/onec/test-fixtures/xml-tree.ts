import { SaxesParser } from 'saxes';

/** A whole-document tree for small XML in tests (the XSDs, the writer's output); never for production input. */
export interface TestXmlElement {
  name: string;
  attributes: Record<string, string>;
  children: TestXmlElement[];
  text: string;
}

export function parseXmlTree(xml: string): TestXmlElement {
  const parser = new SaxesParser<{ xmlns: false }>({ xmlns: false });
  const stack: TestXmlElement[] = [];
  let root: TestXmlElement | undefined;
  parser.on('opentag', (tag) => {
    const element: TestXmlElement = { name: tag.name, attributes: tag.attributes, children: [], text: '' };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) {
      top.text += text;
    }
  });
  parser.write(xml.replace(/^\uFEFF/, '')).close();
  if (!root) {
    throw new Error('No root element');
  }
  return root;
}

export function childNames(element: TestXmlElement): string[] {
  return element.children.map((child) => child.name);
}

export function firstChild(element: TestXmlElement, name: string): TestXmlElement {
  const found = element.children.find((child) => child.name === name);
  if (!found) {
    throw new Error(`<${element.name}> has no <${name}>`);
  }
  return found;
}
