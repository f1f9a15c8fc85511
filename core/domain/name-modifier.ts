/**
 * A split's `name_modifier` (its MP4s are `index_{name_modifier}_{n}.mp4`): the API's rule, zod-free
 * so the console checks a section's name by the same pattern without bundling zod.
 */
export const NAME_MODIFIER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
