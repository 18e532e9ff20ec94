// Wraps an SDK client so the script can report which public methods it called.
const called = new Set();

function recorded(client) {
  return new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function" || typeof name !== "string") return value;
      return (...args) => {
        called.add(name);
        return value.apply(target, args);
      };
    },
  });
}

module.exports = { recorded, called: () => [...called].sort() };
