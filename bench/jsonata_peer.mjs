// The reference side of bench/jsonata_bench.sh: the npm package `jsonata` evaluates the
// same cases as bench/jsonata_bench.cc (selected by the same rules from the shared suite,
// plus the workload expressions of bench/jsonata_workloads.json), the same number of times.
// Prints one JSON object: per-case evaluations/s and the totals.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [,, peerDir, suiteDir, workloadsFile, workloadInputs, itersArg] = process.argv;
const require = createRequire(path.resolve(peerDir, 'package.json'));
const jsonata = require('jsonata');
const iters = Number(itersArg || 200);

function loadCases() {
  const out = [];
  const groups = path.join(suiteDir, 'groups');
  for (const g of fs.readdirSync(groups).sort()) {
    for (const f of fs.readdirSync(path.join(groups, g)).sort()) {
      if (!f.endsWith('.json')) continue;
      let c = JSON.parse(fs.readFileSync(path.join(groups, g, f), 'utf8'));
      const list = Array.isArray(c) ? c : [c];
      list.forEach((k, i) => {
        if (!('result' in k) || 'code' in k || 'error' in k || k.timelimit || k.depth) return;
        let expr = k.expr;
        if (k['expr-file']) expr = fs.readFileSync(path.join(groups, g, k['expr-file']), 'utf8');
        if (typeof expr !== 'string' || /\$(eval|now|millis|random|shuffle)\b/.test(expr)) return;
        let data = k.data;
        if (k.dataset) data = JSON.parse(fs.readFileSync(path.join(suiteDir, 'datasets', k.dataset + '.json'), 'utf8'));
        out.push({ id: `${g}/${f}#${i}`, expr, data, bindings: k.bindings || {} });
      });
    }
  }
  return out;
}

async function time(expr, data, bindings, n) {
  const e = jsonata(expr);
  await e.evaluate(data, bindings);  // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await e.evaluate(data, bindings);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const result = { suite: {}, workloads: {} };
let evals = 0, secs = 0;
for (const c of loadCases()) {
  try {
    const s = await time(c.expr, c.data, c.bindings, iters);
    result.suite[c.id] = iters / s;
    evals += iters;
    secs += s;
  } catch (e) { /* the reference fails it too: not timed */ }
}
result.suite_total = { evaluations: evals, seconds: secs };
const w = JSON.parse(fs.readFileSync(workloadsFile, 'utf8'));
for (const item of w.workloads) {
  const data = JSON.parse(fs.readFileSync(path.join(workloadInputs, item.input), 'utf8'));
  const n = Math.max(20, Math.floor(iters / 4));
  const s = await time(item.expr, data, {}, n);
  result.workloads[item.name] = n / s;
}
console.log(JSON.stringify(result));
