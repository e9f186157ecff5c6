import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { CommerceMlError, CommerceMlErrorCode } from './commerceml.errors';
import { normalizeDateTime } from './commerceml-normalize';
import { CommerceMlRecordMapper, type UnnumberedRecord } from './commerceml-record-mappers';
import {
  COMMERCEML_RECORD_KINDS,
  type CommerceMlDocumentKind,
  type CommerceMlRecord,
  type CommerceMlRecordKind,
  type CommerceMlSection,
  type PackageRecord,
  type ParseSummary,
  type ParseWarning,
} from './commerceml.records';
import { XmlSourceDecoder } from './xml-source-decoder';
import type { XmlNode } from './xml-node';

export interface CommerceMlParseLimits {
  /** Longest text node, attribute value or comment, in characters. */
  maxTextLength: number;
  /** Deepest element nesting. */
  maxDepth: number;
  /** Most elements inside one record (one `Товар`, one `Документ`), which bounds the memory of a record. */
  maxElementsPerRecord: number;
}

export const DEFAULT_COMMERCEML_PARSE_LIMITS: Readonly<CommerceMlParseLimits> = {
  maxTextLength: 1024 * 1024,
  maxDepth: 64,
  maxElementsPerRecord: 100_000,
};

export interface ParseCommerceMlOptions {
  /** Awaited before more input is read (see CommerceMlSink.onBatch). */
  onBatch(records: CommerceMlRecord[]): Promise<void>;
  /** Records per onBatch call; default 500. */
  batchSize?: number;
  /**
   * Resume support: records with `ordinal < skipRecords` are parsed (the parser needs them for context) but not
   * emitted, so an import that stopped after committing N records continues with `skipRecords: N`.
   */
  skipRecords?: number;
  limits?: Partial<CommerceMlParseLimits>;
  signal?: AbortSignal;
}

const ROOT = 'КоммерческаяИнформация';
const SECTIONS: Record<string, CommerceMlSection> = {
  Классификатор: 'classifier',
  Каталог: 'catalog',
  ПакетПредложений: 'offers',
  ИзмененияПакетаПредложений: 'offers',
};
type ItemKind = 'group' | 'property' | 'unit' | 'priceType' | 'warehouse' | 'product' | 'offer';
const COLLECTIONS: Record<string, { item: string; kind: ItemKind }> = {
  Группы: { item: 'Группа', kind: 'group' },
  Свойства: { item: 'Свойство', kind: 'property' },
  ЕдиницыИзмерения: { item: 'ЕдиницаИзмерения', kind: 'unit' },
  ТипыЦен: { item: 'ТипЦены', kind: 'priceType' },
  Склады: { item: 'Склад', kind: 'warehouse' },
  Товары: { item: 'Товар', kind: 'product' },
  Предложения: { item: 'Предложение', kind: 'offer' },
};
const HEADER_FIELDS = new Set(['Ид', 'Наименование', 'ИдКлассификатора', 'ИдКаталога', 'Владелец', 'Описание']);
// Bytes are decoded and handed to saxes in slices of at most this many bytes (so at most this many characters), so
// the buffering saxes does between two events, and the records produced by one write, stay bounded whatever chunk
// size the source uses. The size also keeps each decoded string under V8's large-object threshold (128 KiB; Cyrillic
// makes two-byte strings): larger ones go straight to the old generation and pile up there until a full GC (about
// 40 MB of them in the API during a 100,000-product import, docs/benchmarks.md), where these die young.
const SLICE = 32 * 1024;
const MAX_WARNINGS = 100;

interface RecordTree {
  elements: number;
}

type Frame =
  | { type: 'root' }
  | { type: 'skip' }
  | { type: 'container'; index: number }
  | { type: 'section'; section: CommerceMlSection; header: XmlNode | null; tree: RecordTree }
  | { type: 'collection'; item: string; kind: ItemKind; parentId: string | null }
  | {
      type: 'record';
      kind: ItemKind | 'document';
      node: XmlNode;
      tree: RecordTree;
      parentId: string | null;
      containerIndex: number | null;
      /** the record's id once it has been emitted ahead of its end tag (groups with nested groups) */
      emittedId: string | null;
    }
  | { type: 'node'; node: XmlNode; tree: RecordTree };

const SKIP: Frame = { type: 'skip' };
const ROOT_FRAME: Frame = { type: 'root' };

/**
 * Streams a CommerceML document (catalog, offers/prices/rests, or orders; 2.03–2.10 and 3.1) into neutral records.
 * Only the record being built is held in memory; the source is paused while `onBatch` works.
 */
export async function parseCommerceMl(
  source: Readable | AsyncIterable<Uint8Array>,
  options: ParseCommerceMlOptions,
): Promise<ParseSummary> {
  const batchSize = options.batchSize ?? 500;
  const skipRecords = options.skipRecords ?? 0;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(skipRecords) || skipRecords < 0) {
    throw new RangeError(`skipRecords must be a non-negative integer, got ${skipRecords}`);
  }
  const run = new ParseRun({ ...DEFAULT_COMMERCEML_PARSE_LIMITS, ...options.limits }, skipRecords);
  const decoder = new XmlSourceDecoder();
  let bytesRead = 0;
  const flush = async (all: boolean): Promise<void> => {
    while (run.pending.length >= batchSize || (all && run.pending.length > 0)) {
      options.signal?.throwIfAborted();
      await options.onBatch(run.pending.splice(0, batchSize));
    }
  };
  options.signal?.throwIfAborted();
  for await (const chunk of source as AsyncIterable<unknown>) {
    options.signal?.throwIfAborted();
    const bytes = toBuffer(chunk);
    bytesRead += bytes.length;
    for (let offset = 0; offset < bytes.length; offset += SLICE) {
      run.write(decoder.write(bytes.subarray(offset, offset + SLICE)));
      await flush(false);
    }
  }
  run.write(decoder.end());
  run.close();
  await flush(true);
  return run.summary(decoder, bytesRead);
}

class ParseRun {
  readonly pending: CommerceMlRecord[] = [];
  private readonly sax = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  private readonly mapper: CommerceMlRecordMapper;
  private readonly stack: Frame[] = [];
  private readonly counts = Object.fromEntries(COMMERCEML_RECORD_KINDS.map((kind) => [kind, 0])) as Record<
    CommerceMlRecordKind,
    number
  >;
  private readonly packages = new Map<CommerceMlSection, PackageRecord>();
  private readonly warnings: ParseWarning[] = [];
  private ordinal = 0;
  private lastEventPosition = 0;
  private rootSeen = false;
  private prologTail = '';
  private containers = 0;
  private unsupportedSections = 0;
  private schemaVersion: string | null = null;
  private generatedAt: string | null = null;
  private offersWithPrices = 0;
  private offersWithStock = 0;

  constructor(
    private readonly limits: CommerceMlParseLimits,
    private readonly skipRecords: number,
  ) {
    this.mapper = new CommerceMlRecordMapper((node, message) => this.warn(node.line, node.column, message));
    // Only the four handlers needed: saxes stores each handler as a property added to the parser after
    // construction, and with eight of them the whole parse ran about three times slower (measured). DOCTYPEs are
    // caught by rejectDoctype, and saxes throws its own errors when no error handler is set.
    this.sax.on('opentag', (tag) => {
      this.lastEventPosition = this.sax.position;
      this.openElement(tag);
    });
    this.sax.on('closetag', () => {
      this.lastEventPosition = this.sax.position;
      this.closeElement();
    });
    this.sax.on('text', (value) => {
      this.lastEventPosition = this.sax.position;
      this.appendText(value);
    });
    this.sax.on('cdata', (value) => {
      this.lastEventPosition = this.sax.position;
      this.appendText(value);
    });
  }

  write(text: string): void {
    if (text === '') {
      return;
    }
    if (!this.rootSeen) {
      this.rejectDoctype(text);
    }
    this.saxCall(() => this.sax.write(text));
    // saxes buffers a token until it ends; a token that never ends (a gigantic text node, attribute, comment or
    // internal DTD subset) must be cut off here, before it is complete, to keep memory bounded.
    if (this.sax.position - this.lastEventPosition > this.limits.maxTextLength + SLICE) {
      throw this.error(
        CommerceMlErrorCode.TextTooLong,
        `A single text, attribute or comment exceeds ${this.limits.maxTextLength} characters`,
      );
    }
  }

  close(): void {
    this.saxCall(() => this.sax.close());
  }

  private saxCall(call: () => void): void {
    try {
      call();
    } catch (error) {
      const saxesMessage =
        error instanceof Error && !(error instanceof CommerceMlError) && /^\d+:\d+: /.exec(error.message);
      if (!saxesMessage) {
        throw error;
      }
      throw this.error(
        CommerceMlErrorCode.MalformedXml,
        `Malformed XML: ${error.message.slice(saxesMessage[0].length)}`,
      );
    }
  }

  summary(decoder: XmlSourceDecoder, bytesRead: number): ParseSummary {
    const main = this.packages.get('catalog') ?? this.packages.get('offers') ?? this.packages.get('classifier');
    const totalRecords = this.ordinal;
    const skippedRecords = Math.min(this.skipRecords, totalRecords);
    return {
      documentKind: this.documentKind(),
      schemaVersion: this.schemaVersion,
      generatedAt: this.generatedAt,
      encoding: decoder.encoding,
      bom: decoder.bom,
      containsOnlyChanges: main?.containsOnlyChanges ?? null,
      isFullSnapshot: main?.isFullSnapshot ?? false,
      counts: { ...this.counts },
      totalRecords,
      emittedRecords: totalRecords - skippedRecords,
      skippedRecords,
      bytesRead,
      warnings: [...this.warnings],
    };
  }

  private documentKind(): CommerceMlDocumentKind {
    if (this.packages.has('catalog')) {
      return 'import';
    }
    if (this.packages.has('offers')) {
      if (this.offersWithPrices > 0 && this.offersWithStock === 0) {
        return 'prices';
      }
      return this.offersWithStock > 0 && this.offersWithPrices === 0 ? 'rests' : 'offers';
    }
    if (this.counts.document > 0 || this.containers > 0) {
      return 'documents';
    }
    if (this.packages.has('classifier')) {
      return 'classifier';
    }
    return this.unsupportedSections > 0 ? 'unsupported' : 'empty';
  }

  private openElement(tag: SaxesTagPlain): void {
    const name = localName(tag.name);
    const top = this.stack.at(-1);
    if (this.stack.length >= this.limits.maxDepth) {
      throw this.error(CommerceMlErrorCode.TooDeep, `Elements are nested deeper than ${this.limits.maxDepth} levels`);
    }
    if (!top) {
      this.openRoot(name, tag);
      return;
    }
    switch (top.type) {
      case 'root':
        this.stack.push(this.rootChild(name, tag));
        return;
      case 'container':
        this.stack.push(name === 'Документ' ? this.startRecord('document', tag, null, top.index) : SKIP);
        return;
      case 'section':
        this.stack.push(this.sectionChild(top, name, tag));
        return;
      case 'collection':
        this.stack.push(name === top.item ? this.startRecord(top.kind, tag, top.parentId, null) : SKIP);
        return;
      case 'record':
        if (top.kind === 'group' && (name === 'Группы' || name === 'Свойства')) {
          this.stack.push(this.groupChildren(top, name));
          return;
        }
        this.stack.push(this.childNode(top.node, top.tree, name, tag));
        return;
      case 'node':
        this.stack.push(this.childNode(top.node, top.tree, name, tag));
        return;
      case 'skip':
        this.stack.push(SKIP);
        return;
    }
  }

  private openRoot(name: string, tag: SaxesTagPlain): void {
    if (name !== ROOT) {
      throw this.error(CommerceMlErrorCode.NotCommerceMl, `The root element is <${name}>, not <${ROOT}>`);
    }
    this.rootSeen = true;
    const attributes = localAttributes(tag.attributes);
    this.schemaVersion = attributes['ВерсияСхемы']?.trim() || null;
    this.generatedAt = normalizeDateTime(attributes['ДатаФормирования']);
    this.stack.push(ROOT_FRAME);
  }

  private rootChild(name: string, tag: SaxesTagPlain): Frame {
    const section = SECTIONS[name];
    if (section) {
      return { type: 'section', section, header: this.node(name, tag), tree: { elements: 0 } };
    }
    if (name === 'Документ') {
      return this.startRecord('document', tag, null, null);
    }
    if (name === 'Контейнер') {
      return { type: 'container', index: this.containers++ };
    }
    this.unsupportedSections += 1;
    return SKIP;
  }

  private sectionChild(section: Extract<Frame, { type: 'section' }>, name: string, tag: SaxesTagPlain): Frame {
    const collection = COLLECTIONS[name];
    if (collection) {
      this.emitHeader(section);
      return { type: 'collection', item: collection.item, kind: collection.kind, parentId: null };
    }
    if (section.header && HEADER_FIELDS.has(name)) {
      return this.childNode(section.header, section.tree, name, tag);
    }
    return SKIP;
  }

  // A group's record goes out as soon as its nested groups start, so that every parent precedes its children.
  private groupChildren(group: Extract<Frame, { type: 'record' }>, name: string): Frame {
    if (group.emittedId === null) {
      const record = this.mapper.group(group.node, group.parentId);
      group.emittedId = record.id;
      this.emit(record);
    }
    const collection = COLLECTIONS[name];
    return { type: 'collection', item: collection.item, kind: collection.kind, parentId: group.emittedId };
  }

  private startRecord(
    kind: ItemKind | 'document',
    tag: SaxesTagPlain,
    parentId: string | null,
    containerIndex: number | null,
  ): Frame {
    const node = this.node(localName(tag.name), tag);
    return { type: 'record', kind, node, tree: { elements: 1 }, parentId, containerIndex, emittedId: null };
  }

  private childNode(parent: XmlNode, tree: RecordTree, name: string, tag: SaxesTagPlain): Frame {
    if (++tree.elements > this.limits.maxElementsPerRecord) {
      throw this.error(
        CommerceMlErrorCode.RecordTooLarge,
        `One record contains more than ${this.limits.maxElementsPerRecord} elements`,
      );
    }
    const node = this.node(name, tag);
    parent.children.push(node);
    return { type: 'node', node, tree };
  }

  private node(name: string, tag: SaxesTagPlain): XmlNode {
    return {
      name,
      attributes: localAttributes(tag.attributes),
      children: [],
      text: '',
      line: this.sax.line,
      column: this.sax.column + 1,
    };
  }

  private closeElement(): void {
    const frame = this.stack.pop();
    if (frame?.type === 'section') {
      this.emitHeader(frame);
    } else if (frame?.type === 'record' && frame.emittedId === null) {
      this.emit(this.mapRecord(frame));
    }
  }

  private mapRecord(frame: Extract<Frame, { type: 'record' }>): UnnumberedRecord {
    switch (frame.kind) {
      case 'group':
        return this.mapper.group(frame.node, frame.parentId);
      case 'property':
        return this.mapper.property(frame.node, frame.parentId);
      case 'unit':
        return this.mapper.unit(frame.node);
      case 'priceType':
        return this.mapper.priceType(frame.node);
      case 'warehouse':
        return this.mapper.warehouse(frame.node);
      case 'product':
        return this.mapper.product(frame.node);
      case 'offer': {
        const offer = this.mapper.offer(frame.node);
        this.offersWithPrices += offer.prices.length > 0 ? 1 : 0;
        this.offersWithStock += offer.stock.length > 0 || offer.quantity !== null ? 1 : 0;
        return offer;
      }
      case 'document':
        return this.mapper.document(frame.node, frame.containerIndex);
    }
  }

  private emitHeader(section: Extract<Frame, { type: 'section' }>): void {
    if (section.header) {
      const header = this.mapper.packageHeader(section.header, section.section);
      section.header = null;
      this.packages.set(section.section, { ...header, ordinal: this.ordinal });
      this.emit(header);
    }
  }

  private emit(record: UnnumberedRecord): void {
    const ordinal = this.ordinal++;
    this.counts[record.kind] += 1;
    if (ordinal >= this.skipRecords) {
      // Numbered in place: the mapper's object has no other reference, so a copy (a spread) would only be garbage.
      const numbered = record as CommerceMlRecord;
      numbered.ordinal = ordinal;
      this.pending.push(numbered);
    }
  }

  private appendText(value: string): void {
    const top = this.stack.at(-1);
    if (top?.type !== 'record' && top?.type !== 'node') {
      return;
    }
    const node = top.node;
    // Indentation between child elements is not content; skipping it keeps big records small.
    if (node.children.length > 0 && value.trim() === '') {
      return;
    }
    if (node.text.length + value.length > this.limits.maxTextLength) {
      throw this.error(
        CommerceMlErrorCode.TextTooLong,
        `Text of <${node.name}> exceeds ${this.limits.maxTextLength} characters`,
      );
    }
    node.text += value;
  }

  // saxes reports a DOCTYPE only once it has read all of it; refuse it as soon as it starts instead.
  private rejectDoctype(text: string): void {
    const probe = this.prologTail + text;
    const rootStart = probe.search(/<[^?!]/);
    const prolog = rootStart < 0 ? probe : probe.slice(0, rootStart);
    if (/<!(DOCTYPE|ENTITY)/i.test(prolog)) {
      throw this.error(CommerceMlErrorCode.DoctypeForbidden, 'DOCTYPE and entity declarations are not allowed');
    }
    this.prologTail = probe.slice(-9);
  }

  private warn(line: number, column: number, message: string): void {
    if (this.warnings.length < MAX_WARNINGS) {
      this.warnings.push({ line, column, message });
    }
  }

  private error(code: CommerceMlErrorCode, message: string): CommerceMlError {
    return new CommerceMlError(code, message, { line: this.sax.line, column: this.sax.column + 1 });
  }
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function localAttributes(attributes: Record<string, string>): Record<string, string> {
  for (const name in attributes) {
    if (name.includes(':')) {
      return Object.fromEntries(Object.entries(attributes).map(([key, value]) => [localName(key), value]));
    }
  }
  return attributes;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) {
    return chunk;
  }
  if (chunk instanceof Uint8Array) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  throw new TypeError('parseCommerceMl needs a byte stream (Buffer or Uint8Array chunks), not decoded text');
}
