/** What the smoke check and the demo keep of an API answer: its status and its body, parsed when it is JSON. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** Reads the whole body; a body that is not JSON (an HTML error page from a proxy, say) is kept as text. */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body };
}
