// The module map holds (docs/architecture.md): no import cycle, and no function past 60 lines of its own
// (a factory's nested functions count for themselves). ESLint's no-restricted-imports enforces the folders.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCES = ['server', 'shared', 'scripts', 'bench', 'client/src'];
const MAX_FUNCTION_LINES = 60;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = SOURCES.flatMap((dir) => filesUnder(join(ROOT, dir)));

/** Relative imports of a file, resolved to files of the project. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'|import\('(\.{1,2}\/[^']+)'\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((s) => resolve(dirname(file), s)).filter((path) => files.includes(path));
}

/** Every cycle in the import graph, each as the list of files around it. */
function cycles(): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(ROOT, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

/** Functions longer than the limit, counting only their own lines (not those of functions nested in them). */
function longFunctions(): string[] {
  const out: string[] = [];
  for (const file of files.filter((f) => f.endsWith('.ts'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
    const span = (node: ts.Node) => lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1;
    const nestedLines = (node: ts.Node): number => {
      let lines = 0;
      node.forEachChild(function walk(child) {
        if (ts.isFunctionLike(child)) lines += span(child);
        else child.forEachChild(walk);
      });
      return lines;
    };
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const own = span(node) - nestedLines(node.body as ts.Node);
        const name = (node as { name?: ts.Node }).name?.getText(source) ?? '(anonymous)';
        if (own > MAX_FUNCTION_LINES) out.push(`${relative(ROOT, file)}:${lineOf(node.getStart(source)) + 1} ${name}: ${own} lines of its own`);
      }
      node.forEachChild(visit);
    };
    visit(source);
  }
  return out;
}

describe('the module map', () => {
  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines of its own`, () => {
    expect(longFunctions()).toEqual([]);
  });

  it('finds what it checks: the graph has edges and the parser sees functions', () => {
    expect(importsOf(join(ROOT, 'server/app.ts')).length).toBeGreaterThan(10);
    expect(files.length).toBeGreaterThan(50);
  });
});
