/**
 * Which locale an element speaks: its `locale` attribute, else the nearest `lang` ancestor (through
 * shadow roots) when the kit has that language, else `defineConsentElements({ locale })`, else
 * English; English too when the language's module (`components/locales/ar`, `/ku`) is not loaded.
 * Elements follow `lang` changes in the document.
 */
import { closestLang } from './dom';
import { loadedLocale, localeFromTag, type Locale } from './i18n';

export function resolveLocale(element: Element, fallback: Locale | null): Locale {
  const fromAttr = localeFromTag(element.getAttribute('locale'));
  // A language whose module was not imported renders in English (texts and direction agree).
  return loadedLocale(fromAttr || localeFromTag(closestLang(element)) || fallback || 'en');
}

/** A document's one observer and the listeners it calls. */
type Watch = [MutationObserver, Set<() => void>];

const watches = new WeakMap<Document, Watch>();

/** Calls `listener` when a `lang` attribute changes anywhere in the document's light tree. */
export function watchLang(doc: Document, listener: () => void): () => void {
  const Observer = doc.defaultView?.MutationObserver;
  if (!Observer) return () => undefined;
  let watch = watches.get(doc);
  if (!watch) {
    const listeners = new Set<() => void>();
    watch = [
      new Observer(() => {
        for (const l of [...listeners]) l();
      }),
      listeners,
    ];
    watches.set(doc, watch);
  }
  const [observer, listeners] = watch;
  if (listeners.size === 0) observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) observer.disconnect();
  };
}
