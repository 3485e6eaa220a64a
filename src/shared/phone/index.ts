/** Phone numbers: detection in page text and what gets dialled. See docs/dialing.md. */
export { findPhoneNumbers, parseCellNumber, type PhoneKind, type PhoneMatch } from './detect.ts';
export {
  DEFAULT_DIAL_PLAN,
  DIAL_INPUT_ERRORS,
  type DialPlan,
  dialString,
  normalizeDialInput,
} from './dial-plan.ts';
