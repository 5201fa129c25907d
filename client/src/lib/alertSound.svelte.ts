// The escalation alert: a short WebAudio beep (no audio file), and a mute the lead's browser remembers.
const MUTE_KEY = 'wallboard.escalations.muted';

export class AlertSound {
  muted = $state(readMuted());
  #context: AudioContext | undefined;

  toggle(): void {
    this.muted = !this.muted;
    try {
      localStorage.setItem(MUTE_KEY, this.muted ? '1' : '0');
    } catch {
      // Storage off (private mode): the choice lasts for this page only.
    }
  }

  /** Two short tones; silent when muted or when the browser allows no sound yet (no click on the page so far). */
  beep(): void {
    if (this.muted || typeof AudioContext === 'undefined') return;
    try {
      this.#context ??= new AudioContext();
      const ctx = this.#context;
      void ctx.resume().catch(() => undefined);
      for (const [at, hz] of [
        [0, 880],
        [0.18, 660],
      ] as const) {
        const tone = ctx.createOscillator();
        const gain = ctx.createGain();
        tone.frequency.value = hz;
        gain.gain.setValueAtTime(0.2, ctx.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + at + 0.15);
        tone.connect(gain).connect(ctx.destination);
        tone.start(ctx.currentTime + at);
        tone.stop(ctx.currentTime + at + 0.16);
      }
    } catch {
      // No audio device: the highlight and the announcement still tell.
    }
  }
}

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}
