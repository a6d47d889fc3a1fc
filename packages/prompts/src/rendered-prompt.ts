/** A prompt plus what is needed to reproduce it: template version and the examples it used. */
export interface RenderedPrompt {
  text: string;
  /** Task, family and version, e.g. `summarize/chat@1`. */
  template: string;
  /** Ids of the bank examples used as shots, in prompt order. */
  examples: string[];
  /** Strings at which generation should stop, when the prompt shape calls for it. */
  stop?: string[];
}
