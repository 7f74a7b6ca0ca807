import { App } from 'cdk8s';
import { OrdersApiChart } from './orders-api-chart';

const app = new App();
new OrdersApiChart(app, 'orders-api');
app.synth();
