// What a phone shows of folio's EPUBs, measured in Chromium.
//
//   node tests/ace/render_check.js ACE_DIR BOOKDIR...
//
// ACE_DIR: the Ace install of make deps (build/ace), whose puppeteer drives
// Debian's chromium (PUPPETEER_EXECUTABLE_PATH). BOOKDIR: an unpacked EPUB.
// Every spine document is opened at 320 and 360 CSS px wide and checked:
//   - reflow (WCAG 1.4.10): nothing is wider than the screen;
//   - faces: every run of Han characters and every run of Latin letters
//     and digits is drawn in a face its element's font-family names, not
//     in a browser fallback (Liberation Serif, DejaVu), and a Latin/digit
//     run takes the same face as the Han text of its element;
//   - form blanks (span.blank): at least one em per ideographic space,
//     and no piece of a blank beyond the right edge of its line.
// One line per book: "ok - render NAME: ..." or "not ok - render NAME: ...".
'use strict';

const fs = require('fs');
const path = require('path');

const [aceDir, ...bookDirs] = process.argv.slice(2);
if (!aceDir || bookDirs.length === 0) {
  console.error('usage: node render_check.js ACE_DIR BOOKDIR...');
  process.exit(2);
}
const puppeteer = require(require.resolve('puppeteer', { paths: [aceDir] }));
const WIDTHS = [320, 360];

// Spine documents of an unpacked book, from folio's own package document.
function spine(dir) {
  const container = fs.readFileSync(path.join(dir, 'META-INF/container.xml'), 'utf8');
  const opfPath = /full-path="([^"]+)"/.exec(container)[1];
  const opf = fs.readFileSync(path.join(dir, opfPath), 'utf8');
  const items = {};
  for (const m of opf.matchAll(/<item id="([^"]+)" href="([^"]+)"/g))
    items[m[1]] = m[2];
  const base = path.join(dir, path.dirname(opfPath));
  return [...opf.matchAll(/<itemref idref="([^"]+)"/g)]
    .map((m) => path.join(base, items[m[1]]));
}

// In the page: wrap every run of Han and every run of Latin letters and
// digits in a probe span (the book itself is not changed on disk), and
// describe the blanks. Returns the probes' ids and facts.
function markRuns() {
  const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
  const LATIN = /[A-Za-z0-9\u00c0-\u024f]/;
  const kind = (ch) => (HAN.test(ch) ? 'han' : LATIN.test(ch) ? 'latin' : null);
  const probes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    texts.push(n);
  for (const t of texts) {
    const s = t.data;
    const frag = document.createDocumentFragment();
    let i = 0;
    while (i < s.length) {
      const k = kind(s[i]);
      let j = i + 1;
      while (j < s.length && kind(s[j]) === k)
        j++;
      if (k === null) {
        frag.appendChild(document.createTextNode(s.slice(i, j)));
      } else {
        const span = document.createElementNS('http://www.w3.org/1999/xhtml', 'span');
        span.setAttribute('data-probe', String(probes.length));
        span.textContent = s.slice(i, j);
        const owner = t.parentElement;
        probes.push({
          kind: k, text: s.slice(i, j), owner: probes.length,
          chain: getComputedStyle(owner).fontFamily,
          ownerTag: owner.tagName.toLowerCase() + (owner.className ? '.' + owner.className : ''),
        });
        frag.appendChild(span);
      }
      i = j;
    }
    // Runs of one element share an owner id: the first probe's index.
    t.parentNode.replaceChild(frag, t);
  }
  // Owner: group probes by their parent element.
  const owners = new Map();
  document.querySelectorAll('span[data-probe]').forEach((el) => {
    const p = probes[Number(el.getAttribute('data-probe'))];
    if (!owners.has(el.parentElement))
      owners.set(el.parentElement, owners.size);
    p.owner = owners.get(el.parentElement);
  });
  const blanks = [];
  document.querySelectorAll('span.blank').forEach((el) => {
    const block = el.closest('p, li, h1, h2, h3, h4, h5, h6, div') || document.body;
    const cs = getComputedStyle(block);
    const box = block.getBoundingClientRect();
    const right = box.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
    const rects = [...el.getClientRects()];
    blanks.push({
      spaces: [...el.textContent].filter((c) => c === '\u3000').length,
      em: parseFloat(getComputedStyle(el).fontSize),
      width: rects.reduce((a, r) => a + r.width, 0),
      overhang: Math.max(0, ...rects.map((r) => r.right - right)),
    });
  });
  return { probes, blanks, scrollWidth: document.documentElement.scrollWidth };
}

function chainNames(css) {
  return css.split(',').map((f) => f.trim().replace(/^["']|["']$/g, '').toLowerCase());
}

// Chromium reports a face by one of its names ("FandolFang R" for the
// family FandolFang): it matches a chain entry it equals or extends.
function inChain(font, chain) {
  const n = font.familyName.toLowerCase();
  return chain.some((c) => n === c || n.startsWith(c + ' '));
}

async function checkDoc(page, cdp, file, width, problems, stats) {
  await page.setViewport({ width, height: 740 });
  await page.goto('file://' + file, { waitUntil: 'load' });
  const facts = await page.evaluate(markRuns);
  const name = path.basename(file);
  if (facts.scrollWidth > width)
    problems.push(`${name}@${width}: ${facts.scrollWidth} px wide`);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll',
    { nodeId: root.nodeId, selector: 'span[data-probe]' });
  const hanFace = new Map();
  const latin = [];
  for (let i = 0; i < nodeIds.length; i++) {
    const p = facts.probes[i];
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId: nodeIds[i] });
    const chain = chainNames(p.chain);
    for (const f of fonts) {
      if (!inChain(f, chain))
        problems.push(`${name}@${width}: ${p.kind} "${p.text.slice(0, 12)}" in ` +
          `${p.ownerTag} drawn in ${f.familyName}, not in its chain`);
    }
    stats.faces.add(fonts.map((f) => f.familyName).join('+'));
    if (p.kind === 'han' && !hanFace.has(p.owner) && fonts.length > 0)
      hanFace.set(p.owner, fonts[0].familyName);
    if (p.kind === 'latin')
      latin.push({ p, face: fonts.length > 0 ? fonts[0].familyName : '' });
    stats.runs++;
  }
  for (const { p, face } of latin) {
    const han = hanFace.get(p.owner);
    if (han !== undefined && face !== han)
      problems.push(`${name}@${width}: "${p.text.slice(0, 12)}" in ${p.ownerTag} ` +
        `drawn in ${face}, its Han text in ${han}`);
  }
  for (const b of facts.blanks) {
    stats.blanks++;
    if (b.width < b.spaces * b.em - 0.5)
      problems.push(`${name}@${width}: a blank of ${b.spaces} spaces is ` +
        `${b.width.toFixed(1)} px wide, under ${b.spaces} em`);
    if (b.overhang > 0.5)
      problems.push(`${name}@${width}: a blank hangs ${b.overhang.toFixed(1)} px ` +
        'past the end of its line');
  }
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage();
  const cdp = await page.target().createCDPSession();
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  for (const dir of bookDirs) {
    const name = path.basename(dir);
    const problems = [];
    const stats = { runs: 0, blanks: 0, faces: new Set() };
    const docs = spine(dir);
    try {
      for (const file of docs)
        for (const w of WIDTHS)
          await checkDoc(page, cdp, path.resolve(file), w, problems, stats);
    } catch (e) {
      problems.push(`Chromium failed: ${e.message}`);
    }
    if (problems.length > 0) {
      console.log(`not ok - render ${name}: ${problems.length} problems: ` +
        problems.slice(0, 6).join('; '));
    } else {
      console.log(`ok - render ${name}: ${docs.length} documents at ` +
        `${WIDTHS.join(' and ')} px fit the screen; ${stats.runs} Han and ` +
        `Latin runs in faces of their chains (${[...stats.faces].sort().join(', ')}); ` +
        `${stats.blanks} blanks at full width`);
    }
  }
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
