import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";

const ACCENTS: Record<string, string> = { a: "á", e: "é", i: "í", o: "ó", u: "ú", A: "Á", E: "É", I: "Í", O: "Ó", U: "Ú", c: "ç", n: "ñ", y: "ý" };

/** Accents the letters of literal text only: placeholders, plurals' structure and markup stay as they are. */
function accent(text: string): string {
  // Keep catalog markup (`code`, **bold**, [label](url)) and ICU quoting intact; accent only letters.
  return text.replace(/`[^`]*`|\]\([^)]*\)|[A-Za-z]/g, (m) => (m.length === 1 ? (ACCENTS[m] ?? m) : m));
}

function print(elements: MessageFormatElement[]): string {
  return elements
    .map((el) => {
      switch (el.type) {
        case TYPE.literal:
          return accent(el.value).replace(/[{}]/g, "'$&'");
        case TYPE.argument:
          return `{${el.value}}`;
        case TYPE.number:
          return `{${el.value}, number}`;
        case TYPE.pound:
          return "#";
        case TYPE.plural:
        case TYPE.select: {
          const kind = el.type === TYPE.plural ? (el.pluralType === "ordinal" ? "selectordinal" : "plural") : "select";
          const options = Object.entries(el.options).map(([k, o]) => `${k} {${print(o.value)}}`).join(" ");
          return `{${el.value}, ${kind}, ${el.type === TYPE.plural && el.offset ? `offset:${el.offset} ` : ""}${options}}`;
        }
        default:
          return "";
      }
    })
    .join("");
}

/** The pseudo-locale: each message wrapped in ⟦ ⟧ with its letters accented (lengths grow as translations do). */
export function pseudo<C extends Record<string, string>>(catalog: C): { [K in keyof C]: string } {
  return Object.fromEntries(Object.entries(catalog).map(([key, source]) => [key, `⟦${print(parse(source, { ignoreTag: true }))}⟧`])) as { [K in keyof C]: string };
}
