export { runDoctor, type Check } from './doctor.js';
