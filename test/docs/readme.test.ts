import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../src/config/config';

const ROOT = path.resolve(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The text of the README's `## <title>` section, up to the next one. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('README.md, as a newcomer reads it', () => {
  it('puts the first hour first: quick start, the upload walkthrough, the console, the supergraph, then the rest', () => {
    const headings = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
    const at = (prefix: string) => headings.findIndex((h) => h.startsWith(prefix));
    const firstHour = ['Quick start', 'Uploading an image', 'The media console', 'Adding the subgraph to a supergraph'];
    const rest = ['Configuration', 'Remote providers', 'Architecture'];
    const positions = [...firstHour, ...rest].map(at);
    expect(positions).not.toContain(-1);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('documents every variable the configuration reads, in the README and in .env.example', () => {
    const configuration = section('Configuration');
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const undocumented = CONFIG_VARIABLES.filter((name) => !configuration.includes(`\`${name}\``));
    const notInExample = CONFIG_VARIABLES.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example));
    expect({ undocumented, notInExample }).toEqual({ undocumented: [], notInExample: [] });
  });

  it('keeps the configuration readable in a terminal: no table, no line over 120 characters', () => {
    const lines = section('Configuration').split('\n');
    expect(lines.filter((line) => line.startsWith('|'))).toEqual([]);
    expect(lines.filter((line) => line.length > 120)).toEqual([]);
  });

  it('links only to headings that exist and to files that exist', () => {
    const anchors = new Set([...README.matchAll(/^#{1,4} (.+)$/gm)].map((m) => slug(m[1]!)));
    const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    const broken = links.filter((link) =>
      link.startsWith('#') ? !anchors.has(link.slice(1)) : !existsInRepo(link.split('#')[0]!),
    );
    expect(broken).toEqual([]);
  });

  it('names only npm scripts that exist', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts;
    const named = new Set([...README.matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => m[1]!));
    expect([...named].filter((name) => !(name in scripts))).toEqual([]);
  });
});

function existsInRepo(file: string): boolean {
  try {
    readFileSync(path.join(ROOT, file));
    return true;
  } catch (err) {
    // A folder is there too.
    return (err as NodeJS.ErrnoException).code === 'EISDIR';
  }
}
