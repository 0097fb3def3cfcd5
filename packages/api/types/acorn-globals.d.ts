/** Types for acorn-globals 7 (the package ships none): free variables of a script or an acorn AST. */
declare module 'acorn-globals' {
  import type { Node, Options, Program } from 'acorn';

  /** One free variable (or `this` outside any function) and the nodes that reference it. */
  interface FoundGlobal {
    name: string;
    nodes: Node[];
  }

  /**
   * Returns the free variables of `source` (parsed with acorn: ecmaVersion latest, return and
   * import/export allowed anywhere, unless `options` says otherwise), sorted by name.
   */
  function findGlobals(source: string | Program, options?: Partial<Options>): FoundGlobal[];

  namespace findGlobals {
    /** acorn.parse with acorn-globals' default options. */
    function parse(source: string, options?: Partial<Options>): Program;
  }

  export = findGlobals;
}
