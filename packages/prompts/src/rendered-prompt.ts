/** A prompt plus what is needed to reproduce it. */
export interface RenderedPrompt {
  text: string;
  /** Template id and version, e.g. `summarize/t5-zero-shot@1`. */
  template: string;
}
