// Markdown building blocks that keep registry text inert: whatever a label,
// an env value or a history command holds, it renders as text, never as
// markup or a link.

/** Inline code that holds any text: the fence is longer than any run of backticks inside. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || flat === "" ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A table cell: pipes escaped (GFM tables split on them even inside code spans). */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, "\\|");
}

/** Plain text with Markdown's punctuation escaped. */
export function text(value: string): string {
  return value.replace(/\r?\n/g, " ").replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, "\\$1");
}

export function table(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.map(cell).join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`];
  for (const row of rows) {
    lines.push(`| ${row.map(cell).join(" | ")} |`);
  }
  return lines.join("\n");
}

/** A link whose target is a URI we built (percent-encoded, so no parenthesis or space ends it early). */
export function link(label: string, uri: string): string {
  return `[${label}](${uri.replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/ /g, "%20")})`;
}
