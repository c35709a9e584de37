import { BezierEdge, type EdgeProps, SmoothStepEdge, type SmoothStepEdgeProps } from '@xyflow/react';
import { type ReactNode, memo } from 'react';
import { fitEdgeLabel } from './describe.ts';

/** An edge label cut to the room between the edge's ends, the whole text its tooltip (SVG `title`). */
export function fittedLabel(label: ReactNode, span: number): ReactNode {
  if (typeof label !== 'string') return label;
  const fitted = fitEdgeLabel(label, span);
  return fitted.cut ? (
    <>
      {fitted.text}
      <title>{label}</title>
    </>
  ) : (
    label
  );
}

/** React Flow's step edge with its label fitted to its length. */
const FittedStepEdge = memo(function FittedStepEdge(props: SmoothStepEdgeProps) {
  return <SmoothStepEdge {...props} label={fittedLabel(props.label, props.targetX - props.sourceX)} />;
});

/** React Flow's default (bezier) edge with its label fitted to its length. */
const FittedBezierEdge = memo(function FittedBezierEdge(props: EdgeProps) {
  return <BezierEdge {...props} label={fittedLabel(props.label, props.targetX - props.sourceX)} />;
});

/** The built-in edge types of the read-only diagrams, their labels fitted to the edges. */
export const fittedEdgeTypes = { default: FittedBezierEdge, smoothstep: FittedStepEdge };
