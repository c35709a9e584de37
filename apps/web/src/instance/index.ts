/**
 * Read-only views of a process instance, shared by the task page and the ops console: the
 * diagram ({@link InstanceDiagram}) and the timeline ({@link InstanceTimeline}).
 *
 * @module
 */
export { InstanceDiagram, type InstanceDiagramProps } from './instance-diagram.tsx';
export { InstanceTimeline, type InstanceTimelineProps } from './instance-timeline.tsx';
export { instanceFlow, instancePath, type InstanceFlowState, type WaitingKind, waitingKinds } from './instance-flow.ts';
export { timelineItems, type TimelineItem } from './timeline-items.ts';
