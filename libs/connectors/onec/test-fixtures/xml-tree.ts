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

export interface SequenceElement {
  name: string;
  minOccurs: number;
  repeatable: boolean;
}

export function find(element: TestXmlElement, name: string): TestXmlElement {
  const queue = [...element.children];
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (next.name === name) {
      return next;
    }
    queue.push(...next.children);
  }
  throw new Error(`${name} not found under ${element.name}`);
}

export function complexType(xsd: TestXmlElement, name: string): TestXmlElement {
  const type = xsd.children.find((child) => child.name === 'xsd:complexType' && child.attributes.name === name);
  if (!type) {
    throw new Error(`complexType ${name} not found`);
  }
  return type;
}

/** The element declaration `name` in the top-level sequence of `parent`. */
export function xsdChild(parent: TestXmlElement, name: string): TestXmlElement {
  const sequence = parent.name === 'xsd:sequence' ? parent : find(parent, 'xsd:sequence');
  const element = sequence.children.find((child) => child.name === 'xsd:element' && child.attributes.name === name);
  if (!element) {
    throw new Error(`element ${name} not found`);
  }
  return element;
}

/**
 * The flattened element sequence of a type or extension: group references are expanded, and a choice is resolved
 * to the branch named `choiceGroup`.
 */
export function xsdSequence(xsd: TestXmlElement, owner: TestXmlElement, choiceGroup?: string): SequenceElement[] {
  const sequence = owner.children.find((child) => child.name === 'xsd:sequence');
  return sequence ? flatten(xsd, sequence, choiceGroup) : [];
}

function flatten(xsd: TestXmlElement, container: TestXmlElement, choiceGroup?: string): SequenceElement[] {
  return container.children.flatMap((child): SequenceElement[] => {
    switch (child.name) {
      case 'xsd:element':
        return [
          {
            name: child.attributes.name,
            minOccurs: Number(child.attributes.minOccurs ?? '1'),
            repeatable: (child.attributes.maxOccurs ?? '1') !== '1',
          },
        ];
      case 'xsd:group': {
        const name = child.attributes.ref.replace('cml:', '');
        const group = xsd.children.find(
          (candidate) => candidate.name === 'xsd:group' && candidate.attributes.name === name,
        );
        return group ? flatten(xsd, find(group, 'xsd:sequence'), choiceGroup) : [];
      }
      case 'xsd:choice': {
        const branch = child.children.find((option) => option.attributes.ref === `cml:${choiceGroup}`);
        return branch ? flatten(xsd, { ...child, children: [branch] }, choiceGroup) : [];
      }
      case 'xsd:sequence':
        return flatten(xsd, child, choiceGroup);
      default:
        return [];
    }
  });
}

/** Children that are unknown, out of order or repeated without leave, and required elements that are missing. */
export function violations(children: string[], sequence: SequenceElement[]): string[] {
  const problems: string[] = [];
  let position = 0;
  let previous = -1;
  for (const child of children) {
    const index = sequence.findIndex((element, at) => at >= position && element.name === child);
    if (index < 0) {
      problems.push(`<${child}> is unknown or out of order`);
      continue;
    }
    if (index === previous && !sequence[index].repeatable) {
      problems.push(`<${child}> is repeated`);
    }
    previous = index;
    position = index;
  }
  for (const element of sequence) {
    if (element.minOccurs > 0 && !children.includes(element.name)) {
      problems.push(`required <${element.name}> is missing`);
    }
  }
  return problems;
}
