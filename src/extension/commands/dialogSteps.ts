// Input steps of a multi-step dialog that can be shown again with what was
// typed still there and the reason it failed under it: the connect dialog
// sends the user back to the step that failed (issue 17) instead of
// starting over.

import * as vscode from "vscode";

export interface InputStep {
  title: string;
  prompt: string;
  value?: string;
  placeholder?: string;
  password?: boolean;
  /** Why the last try failed, shown as the input's error until the value is changed. */
  error?: string;
  /** Checked as typed; a message blocks accepting. */
  validate?: (value: string) => string | undefined;
}

/** The accepted value, or undefined when the step was dismissed. */
export function showInputStep(step: InputStep): Promise<string | undefined> {
  return new Promise((resolve) => {
    const input = vscode.window.createInputBox();
    input.title = step.title;
    input.prompt = step.prompt;
    input.value = step.value ?? "";
    input.placeholder = step.placeholder;
    input.password = step.password ?? false;
    input.ignoreFocusOut = true;
    input.validationMessage = step.error ? { message: step.error, severity: vscode.InputBoxValidationSeverity.Error } : undefined;
    let settled = false;
    const finish = (value: string | undefined): void => {
      if (!settled) {
        settled = true;
        input.dispose();
        resolve(value);
      }
    };
    input.onDidChangeValue((value) => {
      input.validationMessage = step.validate?.(value);
    });
    input.onDidAccept(() => {
      const problem = step.validate?.(input.value);
      if (problem) {
        input.validationMessage = problem;
        return;
      }
      finish(input.value);
    });
    input.onDidHide(() => finish(undefined));
    input.show();
  });
}

/** A pick whose first item is active; the error of the last try shown as the placeholder. */
export function showPickStep<T extends vscode.QuickPickItem>(
  title: string,
  placeholder: string,
  items: T[],
  active?: T,
  error?: string,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = title;
    pick.placeholder = error ? `${error} — ${placeholder}` : placeholder;
    pick.items = items;
    pick.ignoreFocusOut = true;
    if (active ?? items[0]) {
      pick.activeItems = [active ?? items[0]];
    }
    let settled = false;
    const finish = (value: T | undefined): void => {
      if (!settled) {
        settled = true;
        pick.dispose();
        resolve(value);
      }
    };
    pick.onDidAccept(() => finish(pick.selectedItems[0] ?? pick.activeItems[0]));
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}
