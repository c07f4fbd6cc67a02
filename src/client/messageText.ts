// Error messages start with the operation's name ("Get manifest failed on …").

/** "get manifest" -> "Get manifest", for the start of an error message. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
