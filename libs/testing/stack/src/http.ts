/** The `Cookie` header a browser would send back for an answer's `Set-Cookie` lines. */
export function browserCookie(answer: Response): string {
  return answer.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
}
