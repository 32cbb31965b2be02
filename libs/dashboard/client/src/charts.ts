import type { Chart, ChartConfiguration } from 'chart.js';
import { byId } from './dom.js';

/** Chart.js comes as its UMD file from this server (no CDN); only its types are imported. */
declare global {
  interface Window {
    Chart?: typeof Chart;
  }
}

const charts = new Map<string, Chart>();

/** Draws (or redraws) a chart; the numbers still show in the tables if the library failed to load. */
export function drawChart(canvasId: string, config: ChartConfiguration): void {
  charts.get(canvasId)?.destroy();
  charts.delete(canvasId);
  const library = window.Chart;
  if (!library) return;
  config.options = { responsive: true, maintainAspectRatio: false, animation: false, ...config.options };
  charts.set(canvasId, new library(byId(canvasId, HTMLCanvasElement), config));
}
