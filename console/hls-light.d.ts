// hls.js ships its light build (no alternate audio, subtitles, EME/DRM or CMCD; AES-128 HLS kept)
// without a declaration of its own; its API is the full build's.
declare module 'hls.js/light' {
  export { default } from 'hls.js';
  export * from 'hls.js';
}
