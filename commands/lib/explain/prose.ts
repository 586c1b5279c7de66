/** Short paragraphs for explanations, wrapped to the plain width. */

/** Wraps `text` at spaces to `width` columns, every line starting with `indent`. */
export function wrap(text: string, indent = "", width = 80): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/)) {
    if (word === "") continue;
    if (line !== "" && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

/** A section: a title line, then its sentences as one paragraph indented by two. */
export function section(title: string, sentences: readonly string[]): string[] {
  return [title, ...wrap(sentences.join(" "), "  ")];
}

export const plural = (n: number, word: string, words = `${word}s`): string =>
  `${n} ${n === 1 ? word : words}`;
