/**
 * The canvas's node components: memoised, defined at module level with their `nodeTypes` map
 * (React Flow re-creates every node when that map changes). They read only their own `data`.
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
import type { StepNode } from './definition-to-flow.ts';

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

const StepView = memo(function StepView({ data, selected }: NodeProps<StepNode>) {
  const { t } = useTranslation();
  return (
    <div className={`flow-step flow-step-${data.kind}${selected ? ' is-selected' : ''}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="flow-step-title">
        <span className="flow-step-icon" aria-label={t(`designer.kinds.${data.kind}`)} role="img">
          {kindIcons[data.kind]}
        </span>
        <span className="flow-step-name">{data.name}</span>
      </div>
      {data.owner !== undefined && (
        <div className="flow-step-line">
          <UserOutlined /> <span>{data.owner}</span>
        </div>
      )}
      {data.deadline !== undefined && (
        <div className="flow-step-line">
          <FieldTimeOutlined /> <span>{data.deadline}</span>
        </div>
      )}
      {data.condition !== undefined && (
        <div className="flow-step-line mono">
          <FilterOutlined /> <span>{data.condition}</span>
        </div>
      )}
      {data.inside !== undefined && (
        <div className="flow-step-line">
          <ApiOutlined /> <span>{data.inside}</span>
        </div>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const GatewayView = memo(function GatewayView({ data, selected }: NodeProps<StepNode>) {
  const { t } = useTranslation();
  return (
    <div className={`flow-gateway${selected ? ' is-selected' : ''}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="flow-gateway-diamond" role="img" aria-label={t(`designer.kinds.${data.kind}`)}>
        {kindIcons[data.kind]}
      </div>
      <div className="flow-caption">{data.name}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const TerminalView = memo(function TerminalView({ data, selected }: NodeProps<StepNode>) {
  const { t } = useTranslation();
  return (
    <div className={`flow-terminal flow-terminal-${data.kind}${selected ? ' is-selected' : ''}`}>
      {data.kind === 'end' && <Handle type="target" position={Position.Left} isConnectable={false} />}
      <div className="flow-terminal-circle" role="img" aria-label={t(`designer.kinds.${data.kind}`)}>
        {kindIcons[data.kind]}
      </div>
      <div className="flow-caption">{data.name}</div>
      {data.kind === 'start' && <Handle type="source" position={Position.Right} isConnectable={false} />}
    </div>
  );
});

/** The canvas's node types, by the `type` {@link definitionToFlow} gives each node. */
export const nodeTypes: NodeTypes = { step: StepView, gateway: GatewayView, terminal: TerminalView };
