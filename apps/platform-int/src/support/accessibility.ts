import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

// axe-core's own bundle, injected through the DevTools protocol (page.evaluate), so the page's CSP
// (script-src 'self') neither blocks it nor has to be loosened for the test.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it is now and fails on any serious or
 * critical violation, naming the rule and the elements. Returns the minor and moderate ones.
 */
export async function expectNoSeriousA11yViolations(page: Page, what: string): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  // The function runs in the page, where axe is a global (this project compiles without the DOM's types).
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0) {
    const lines = serious.map(
      (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
    throw new Error(`${what}: ${serious.length} serious or critical accessibility violations:\n${lines.join('\n')}`);
  }
  return violations;
}
