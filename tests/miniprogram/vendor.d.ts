/** What the static checks use of two tools that ship no types. */
declare module '@alipay/axml-transverter' {
  export class TransformCompiler {
    constructor(options: { platform: 'ALIPAY' | 'WECHAT'; customMapping: Record<string, unknown>; camelCaseProperty?: boolean }, plugins: unknown[]);
    /** The template converted for the platform. @throws what it cannot parse */
    compile(axml: string): string;
  }
}

declare module 'csso' {
  interface CssNode {
    type: string;
    /** Atrule: its name (`media`, `keyframes`). */
    name?: string;
    /** Rule: its selector list; Atrule: its prelude, when it has one. */
    prelude?: CssNode | null;
    /** Rule: its declarations. */
    block?: CssNode;
    /** Declaration: its property. */
    property?: string;
  }
  export const syntax: {
    parse(css: string): CssNode;
    walk(ast: CssNode, visit: (node: CssNode) => void): void;
    generate(node: CssNode): string;
  };
}
