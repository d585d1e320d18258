// The lesson views the core hands over (src/lesson/player.rs `StepView`,
// src/wasm.rs `lesson_summary`); field names must match the Rust ones.

export interface TaskView { text: string; hint: string; check: string; done: boolean }

export interface StepView {
  id: string;
  title: string;
  step: number;
  steps: number;
  step_title: string;
  text: string[];
  show: string[];
  until: string | null;
  task: TaskView | null;
}

export interface LessonSummary { id: string; title: string; about: string; steps: number }
