import { strFromU8, unzipSync } from 'fflate';
import { parseStringPromise, processors } from 'xml2js';

/** An XML element as xml2js reads it with `explicitArray`: child elements by name, each a list. */
export type XmlNode = { [name: string]: (XmlNode | string)[] | Record<string, string> | undefined } & {
  $?: Record<string, string>;
};

/** A metadata file's XML, namespace prefixes dropped; the root element's content. */
export async function parseMetadataXml(xml: string): Promise<{ root: string; node: XmlNode }> {
  const parsed = (await parseStringPromise(xml, {
    explicitArray: true,
    tagNameProcessors: [processors.stripPrefix],
  })) as Record<string, XmlNode | string>;
  const [root] = Object.keys(parsed);
  const node = parsed[root];
  return { root, node: typeof node === 'string' ? ({ _: [node] } as XmlNode) : node };
}

/** The text of a child element (`<label>…</label>`), or undefined when absent. */
export function textOf(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const first = value[0];
  if (typeof first === 'string') return first;
  return typeof first._ === 'string' ? first._ : '';
}

/** The child elements named `name` (`<fields>`, `<fieldPermissions>`, `<types>`). */
export function childrenOf(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  return Array.isArray(value) ? value.filter((v): v is XmlNode => typeof v !== 'string') : [];
}

/** The texts of the child elements named `name` (`<members>`). */
export function textsOf(node: XmlNode, name: string): string[] {
  const value = node[name];
  return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : String(v._ ?? ''))) : [];
}

/** A deploy's zip: its files by path relative to the package root (the folder holding package.xml). */
export interface MetadataZip {
  files: Map<string, string>;
}

/**
 * The package in a deploy's zip. `singlePackage` (DeployOptions): package.xml at the zip's root;
 * otherwise in a folder of its own (`unpackaged/package.xml`), as the Metadata API reads them.
 * Undefined when there is no package.xml where the option says.
 */
export function readMetadataZip(zipBase64: string, singlePackage: boolean): MetadataZip | undefined {
  const entries = unzipSync(new Uint8Array(Buffer.from(zipBase64, 'base64')));
  const paths = Object.keys(entries).filter((p) => !p.endsWith('/'));
  const manifest = paths.find((p) => (singlePackage ? p === 'package.xml' : /^[^/]+\/package\.xml$/.test(p)));
  if (!manifest) return undefined;
  const root = manifest.slice(0, -'package.xml'.length);
  const files = new Map<string, string>();
  for (const p of paths) if (p.startsWith(root)) files.set(p.slice(root.length), strFromU8(entries[p]));
  return { files };
}
