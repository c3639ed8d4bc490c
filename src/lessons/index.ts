export { createLessons, LessonError, MAX_LESSONS, type Lessons, type LessonsDeps } from './lessons.js';
export { parseFeedback, lessonId, type FeedbackSection, type FeedbackProblem } from './parse.js';
