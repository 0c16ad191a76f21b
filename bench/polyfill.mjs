// @ts-check
// PostGraphile v5 declares Node >= 22. On Node 20 its schema builds but every
// database query fails ("Cannot read properties of undefined (reading 'items')")
// because grafast relies on Promise.withResolvers (Node 22+). Loaded with
// `node --import ./polyfill.mjs` in front of the PostGraphile server only.
// (`Promise.withResolvers` is ES2024: typed through `any`, as the bench's lib is ES2023 like Node 20.)
const PromiseCtor = /** @type {any} */ (Promise);
if (typeof PromiseCtor.withResolvers !== 'function') {
  PromiseCtor.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
