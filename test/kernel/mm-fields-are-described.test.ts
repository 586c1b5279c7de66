/**
 * Every field of Mm is in MM_FIELDS, the one description fork and the
 * snapshot read: a field added to Mm without saying how fork copies it and
 * how an image keeps it fails here.
 */
import { expect, test } from "vitest";
import { MM_FIELDS, Mm } from "../../src/kernel/mm.js";

test("MM_FIELDS names exactly the fields of an Mm", () => {
  expect(Object.keys(new Mm()).sort()).toEqual(Object.keys(MM_FIELDS).sort());
});
