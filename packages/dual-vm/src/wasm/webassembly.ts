/**
 * The part of the WebAssembly JS API the engine uses. TypeScript declares
 * `WebAssembly` only in its DOM libs and @types/node 20 does not, so the
 * runtime's subset is declared here (Node's global is the standard one).
 */
declare global {
  namespace WebAssembly {
    type ImportValue = ((...args: never[]) => unknown) | Global | Memory
    type Imports = Record<string, Record<string, ImportValue>>
    type ExportValue = ((...args: never[]) => unknown) | Global | Memory | Table
    type Exports = Record<string, ExportValue>
    interface ModuleExportDescriptor {
      kind: 'function' | 'table' | 'memory' | 'global'
      name: string
    }
    interface ModuleImportDescriptor {
      kind: 'function' | 'table' | 'memory' | 'global'
      module: string
      name: string
    }
    class Module {
      constructor(bytes: ArrayBufferView | ArrayBuffer)
      static exports(module: Module): ModuleExportDescriptor[]
      static imports(module: Module): ModuleImportDescriptor[]
    }
    class Instance {
      constructor(module: Module, imports?: Imports)
      readonly exports: Exports
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number })
      readonly buffer: ArrayBuffer
      grow(delta: number): number
    }
    class Table {
      readonly length: number
    }
    class Global {
      constructor(descriptor: { value: 'i32' | 'i64'; mutable?: boolean }, value?: unknown)
      value: unknown
    }
    class RuntimeError extends Error {}
    class CompileError extends Error {}
    class LinkError extends Error {}
    function validate(bytes: ArrayBufferView | ArrayBuffer): boolean
  }
}

export {}
