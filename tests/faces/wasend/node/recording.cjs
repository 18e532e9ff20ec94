// The JS client from the wheel's tarball, noting each method a script calls: the README matrix
// is computed from the scripts' text, and each script prints the names it called.
const { WasendClient } = require('@wasend/core');

function recordingClient(apiKey, baseUrl) {
  const called = new Set();
  const raw = new WasendClient({ apiKey, baseUrl });
  const client = new Proxy(raw, {
    get(target, name) {
      const value = target[name];
      if (typeof value !== 'function') return value;
      return (...args) => { called.add(name); return value.apply(target, args); };
    },
  });
  return { client, called };
}

async function admin(adminUrl, path, body) {
  const response = await fetch(`${adminUrl}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
}

function run(main) {
  main().catch((error) => { console.error(error.response ? error.response.data : error); process.exit(1); });
}

module.exports = { recordingClient, admin, run };
