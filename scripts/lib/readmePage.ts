// The README as a page the server can serve (dist/client/readme.html): headings get GitHub's anchors, so a screen can
// link to a section (the wall's first start links to #sending-events); everything else stays as written, in <pre>.

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function readmeHtml(markdown: string): string {
  const out: string[] = [];
  let block: string[] = [];
  let fenced = false;
  const flush = () => {
    if (block.some((line) => line.trim() !== '')) out.push(`<pre>${escape(block.join('\n').trim())}</pre>`);
    block = [];
  };
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,6})\s+(.*)$/.exec(line);
    if (!heading) {
      block.push(line);
      continue;
    }
    flush();
    const level = heading[1]!.length;
    out.push(`<h${level} id="${headingSlug(heading[2]!)}">${escape(heading[2]!)}</h${level}>`);
  }
  flush();
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Wallboard: README</title>',
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap;font:inherit}</style>',
    '</head><body>',
    ...out,
    '</body></html>',
    '',
  ].join('\n');
}
