import { readdirSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { repoPath } from '../../infra/lambda';
import { TASK_PERMISSIONS } from '../../infra/task-permissions';
import { allTasks } from '../../workflows/registry';

const taskFiles = readdirSync(repoPath('tasks'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

describe('task permissions table', () => {
  it('has an entry for every task a workflow invokes', () => {
    expect(allTasks().filter((task) => !(task in TASK_PERMISSIONS))).toEqual([]);
  });

  it('has an entry for every file in tasks/ (also those started by events, not workflows)', () => {
    expect(taskFiles.filter((task) => !(task in TASK_PERMISSIONS))).toEqual([]);
  });

  it('names no task that does not exist', () => {
    expect(Object.keys(TASK_PERMISSIONS).filter((task) => !taskFiles.includes(task))).toEqual([]);
  });
});
