/** The demos (demo/*.cowsh) as text, put in the page's bundle by scripts/build-web.mjs. */
declare module "virtual:cowsh-demos" {
  const demos: readonly { readonly name: string; readonly text: string }[];
  export default demos;
}
