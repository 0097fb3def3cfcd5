/**
 * `@threadkit/api/trace-svg`: renders a trace written by `stopTrace` as an SVG timeline
 * ({@link renderTraceSvg}), and the `threadkit-trace <file.json> [-o out.svg]` command's body
 * ({@link traceCommand}).
 */
export { KIND_COLOURS, renderTraceSvg, type RenderEvent, type RenderOptions } from './render';
export { traceCommand } from './command';
