// What an input box says while a value is typed: the library's own message
// for a value its parser refuses (InvalidInputError names what is wrong), so
// that bad input is refused before anything is sent.

/** The message for a value `parse` refuses, or undefined when it takes it. */
export function inputProblem(parse: (value: string) => unknown, value: string): string | undefined {
  try {
    parse(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
