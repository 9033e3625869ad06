/**
 * What a user meets on the page, read in the browser: the controls and their rendered boxes, the text
 * shown (shadow roots included), and axe-core's accessibility audit.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

export interface Control {
  /** Tag, id and name, for failure messages. */
  name: string;
  width: number;
  height: number;
  /** The part of the control not clipped by a scrolling ancestor or the window (null: none shows). */
  shown: { left: number; top: number; right: number; bottom: number } | null;
}

/**
 * Every rendered control of the page, in every open shadow root: buttons, links, form fields,
 * `<summary>`, and anything focusable. A radio or checkbox is measured by its label, which is what
 * the finger hits.
 */
export function controls(page: Page): Promise<Control[]> {
  return page.evaluate(() => {
    const SELECTOR = 'button, a[href], select, textarea, summary, input:not([type="hidden"]), [role="button"], [tabindex]:not([tabindex="-1"])';
    const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.parentNode as ShadowRoot | null)?.host ?? null);
    const shownPart = (el: Element) => {
      const r = el.getBoundingClientRect();
      let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      const clip = (c: { left: number; top: number; right: number; bottom: number }) => {
        box = { left: Math.max(box.left, c.left), top: Math.max(box.top, c.top), right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom) };
      };
      for (let a = parentOf(el); a; a = parentOf(a)) {
        const style = getComputedStyle(a);
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') clip(a.getBoundingClientRect());
      }
      clip({ left: 0, top: 0, right: innerWidth, bottom: innerHeight });
      return box.right > box.left && box.bottom > box.top ? box : null;
    };
    const describe = (el: Element) => {
      const label = el.getAttribute('aria-label') ?? (el.textContent ?? '').replace(/\s+/g, ' ').trim();
      return `<${el.localName}${el.id ? `#${el.id}` : ''}> "${label.slice(0, 40)}"`;
    };
    const out: Array<{ name: string; width: number; height: number; shown: ReturnType<typeof shownPart> }> = [];
    const seen = new Set<Element>();
    const visit = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (!el.matches(SELECTOR)) continue;
        const target = (el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox') && el.closest('label')) || el;
        if (seen.has(target) || !target.checkVisibility({ visibilityProperty: true })) continue;
        seen.add(target);
        const r = target.getBoundingClientRect();
        out.push({ name: describe(target), width: r.width, height: r.height, shown: shownPart(target) });
      }
    };
    visit(document);
    return out;
  });
}

/** Controls smaller than `min` × `min` CSS px, as "name W×H". */
export async function smallControls(page: Page, min = 44): Promise<string[]> {
  const all = await controls(page);
  expect(all.length).toBeGreaterThan(0);
  // Half a pixel of rounding: a 44px box may measure 43.99.
  return all.filter((c) => c.width < min - 0.5 || c.height < min - 0.5).map((c) => `${c.name} ${Math.round(c.width)}×${Math.round(c.height)}`);
}

/**
 * The text a user meets on the page, shadow roots included, with accessible names and alt texts,
 * outside the containers given (the developer panel, the wallet's own page).
 */
export function shownText(page: Page, outside: string): Promise<string> {
  return page.evaluate((skip) => {
    const parts: string[] = [document.title];
    const shown = (el: Element) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
    const walk = (node: Node) => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === Node.TEXT_NODE) {
          const parent = child.parentElement;
          const text = child.textContent?.trim();
          if (text && parent && shown(parent)) parts.push(text);
        } else if (child instanceof Element) {
          if (child.matches(`${skip}, style, script, template`)) continue;
          if (shown(child)) for (const attr of ['aria-label', 'alt', 'title', 'placeholder']) if (child.getAttribute(attr)) parts.push(child.getAttribute(attr) as string);
          if (child.shadowRoot) walk(child.shadowRoot);
          walk(child);
        }
      }
    };
    walk(document.body);
    return parts.join('\n');
  }, outside);
}

const AXE_SOURCE = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now, as "rule: targets". */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<any> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }>)
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`);
  });
}
