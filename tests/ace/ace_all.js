// Ace by DAISY on many EPUBs in one run.
//
//   node tests/ace/ace_all.js ACE_DIR OUTDIR BOOK.epub...
//
// ACE_DIR holds node_modules with @daisy/ace-cli (make deps: build/ace).
// Each book is checked by the library `ace-cli` itself drives
// (@daisy/ace-core with the puppeteer axe runner, same options), but one
// Chromium serves every book: ace-cli starts Node and a browser per book,
// about 8 s before any checking on this machine. Reports go to
// OUTDIR/NAME/report.json. One line per book:
//   ok - ace NAME: 0 violations, conformsTo ...
//   not ok - ace NAME: why
// A book passes with outcome "pass", no violation of any impact, and the
// accessibility metadata Ace looks for present (schema:*, dcterms:
// conformsTo, a11y:certifiedBy). Exit status 0 unless Ace itself broke.
'use strict';

const path = require('path');

const [aceDir, outDir, ...books] = process.argv.slice(2);
if (!aceDir || !outDir || books.length === 0) {
  console.error('usage: node ace_all.js ACE_DIR OUTDIR BOOK.epub...');
  process.exit(2);
}
const load = (m) => require(require.resolve(m, { paths: [aceDir] }));
const ace = load('@daisy/ace-core');
const runner = load('@daisy/ace-axe-runner-puppeteer');
const logger = load('@daisy/ace-logger');

const WANTED = [
  'schema:accessMode', 'schema:accessModeSufficient',
  'schema:accessibilityFeature', 'schema:accessibilityHazard',
  'schema:accessibilitySummary', 'dcterms:conformsTo', 'a11y:certifiedBy',
];

// The runner as ace-cli uses it, except that close() is deferred to the
// end of the run so the next book reuses the browser.
let launched = false;
const shared = {
  concurrency: runner.concurrency,
  setTimeout: (ms) => runner.setTimeout(ms),
  launch: async () => {
    if (!launched) {
      await runner.launch();
      launched = true;
    }
  },
  close: async () => {},
  run: (...args) => runner.run(...args),
};

function verdict(name, report) {
  const problems = [];
  for (const doc of report.assertions || []) {
    for (const a of doc.assertions || []) {
      const t = a['earl:test'] || {};
      const r = a['earl:result'] || {};
      problems.push(`${t['dct:title']} (${t['earl:impact']}) in ` +
        `${doc['earl:testSubject'].url}: ${String(r.html || '').slice(0, 120)}`);
    }
  }
  const outcome = report['earl:result']['earl:outcome'];
  const present = (report['a11y-metadata'] || {}).present || [];
  const missing = WANTED.filter((p) => !present.includes(p));
  if (outcome !== 'pass' || problems.length > 0) {
    return `not ok - ace ${name}: outcome ${outcome}, ${problems.length} ` +
      `violations: ${problems.slice(0, 5).join('; ')}`;
  }
  if (missing.length > 0)
    return `not ok - ace ${name}: metadata missing: ${missing.join(', ')}`;
  const conforms = report['earl:testSubject'].metadata['dcterms:conformsTo'];
  return `ok - ace ${name}: 0 violations, conformsTo "${conforms}"`;
}

(async () => {
  logger.initLogger({ verbose: false, silent: true });
  for (const book of books) {
    const name = path.basename(book, '.epub');
    const t0 = Date.now();
    try {
      const [, report] = await ace(book, {
        cwd: process.cwd(), outdir: path.join(outDir, name), jobId: '',
        silent: true, verbose: false,
      }, shared);
      console.log(`${verdict(name, report)} (${Date.now() - t0} ms)`);
    } catch (e) {
      console.log(`not ok - ace ${name}: Ace failed: ${e && e.message ? e.message : e}`);
    }
  }
  if (launched)
    await runner.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
