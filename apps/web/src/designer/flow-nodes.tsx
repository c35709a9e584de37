/**
 * The canvas's node components: memoised, defined at module level with their `nodeTypes` map
 * (React Flow re-creates every node when that map changes). They read only their own `data`.
 * Their handles can be dragged to connect when the canvas allows it (`nodesConnectable`); each
 * carries the badge of its live-validation problems (see `validation/ProblemBadge.tsx`).
 *
 * @module
 */
import {
  ApiOutlined,
  CheckCircleOutlined,
  ClockCircleOutlined,
  CloseOutlined,
  FieldTimeOutlined,
  FilterOutlined,
  NotificationOutlined,
  PartitionOutlined,
  PlayCircleOutlined,
  PlusOutlined,
  RobotOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { NodeType } from '@baton/definition';
import { Handle, type NodeProps, type NodeTypes, Position } from '@xyflow/react';
import { memo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { handleIds, type StepNode } from './definition-to-flow.ts';
import { ProblemBadge } from './validation/ProblemBadge.tsx';

/** Where edges come in: on the left, and at the bottom for a loop back from further right. */
function InHandles() {
  return (
    <>
      <Handle id={handleIds.in} type="target" position={Position.Left} />
      <Handle id={handleIds.loopIn} type="target" position={Position.Bottom} />
    </>
  );
}

/** Where edges leave: on the right, and at the bottom for a loop back to the left. */
function OutHandles() {
  return (
    <>
      <Handle id={handleIds.out} type="source" position={Position.Right} />
      <Handle id={handleIds.loopOut} type="source" position={Position.Bottom} />
    </>
  );
}

/** The icon of each node kind, on the canvas and in the properties panel. */
export const kindIcons: Record<NodeType, ReactNode> = {
  start: <PlayCircleOutlined />,
  end: <CheckCircleOutlined />,
  userTask: <UserOutlined />,
  automaticTask: <RobotOutlined />,
  exclusiveGateway: <CloseOutlined className="gateway-mark" />,
  parallelGateway: <PlusOutlined className="gateway-mark" />,
  timer: <ClockCircleOutlined />,
  event: <NotificationOutlined />,
  subProcess: <PartitionOutlined />,
};

const StepView = memo(function StepView({ id, data, selected }: NodeProps<StepNode>) {
  const { t } = useTranslation();
  return (
    <div className={`flow-step flow-step-${data.kind}${selected ? ' is-selected' : ''}`}>
      <InHandles />
      <ProblemBadge id={id} className="flow-problem-badge" />
      <div className="flow-step-title">
        <span className="flow-step-icon" aria-label={t(`designer.kinds.${data.kind}`)} role="img">
          {kindIcons[data.kind]}
        </span>
        <span className="flow-step-name" title={data.name}>
          {data.name}
        </span>
        {data.signers !== undefined && (
          <span className={`flow-badge flow-badge-${data.signers}`}>{t(`editor.signers.${data.signers}`)}</span>
        )}
      </div>
      {data.owner !== undefined && (
        <div className="flow-step-line">
          <UserOutlined /> <span title={data.owner}>{data.owner}</span>
        </div>
      )}
      {data.deadline !== undefined && (
        <div className="flow-step-line">
          <FieldTimeOutlined /> <span title={data.deadline}>{data.deadline}</span>
        </div>
      )}
      {data.condition !== undefined && (
        <div className="flow-step-line mono">
          <FilterOutlined /> <span title={data.condition}>{data.condition}</span>
        </div>
      )}
      {data.inside !== undefined && (
        <div className="flow-step-line">
          <ApiOutlined /> <span>{data.inside}</span>
        </div>
      )}
      <OutHandles />
    </div>
  );
});

const GatewayView = memo(function GatewayView({ id, data, selected }: NodeProps<StepNode>) {
  const { t } = useTranslation();
  return (
    <div className={`flow-gateway${selected ? ' is-selected' : ''}`}>
      <InHandles />
      <ProblemBadge id={id} className="flow-problem-badge" />
      <div className="flow-gateway-diamond" role="img" aria-label={t(`designer.kinds.${data.kind}`)}>
        {kindIcons[data.kind]}
      </div>
      <div className="flow-caption">{data.name}</div>
      <OutHandles />
    </div>
  );
});

const TerminalView = memo(function TerminalView({ id, data, selected }: NodeProps<StepNode>) {
  const { t } = useTranslation();
  return (
    <div className={`flow-terminal flow-terminal-${data.kind}${selected ? ' is-selected' : ''}`}>
      {data.kind === 'end' && <InHandles />}
      <ProblemBadge id={id} className="flow-problem-badge" />
      <div className="flow-terminal-circle" role="img" aria-label={t(`designer.kinds.${data.kind}`)}>
        {kindIcons[data.kind]}
      </div>
      <div className="flow-caption">{data.name}</div>
      {data.kind === 'start' && <OutHandles />}
    </div>
  );
});

/** The canvas's node types, by the `type` {@link definitionToFlow} gives each node. */
export const nodeTypes: NodeTypes = { step: StepView, gateway: GatewayView, terminal: TerminalView };
