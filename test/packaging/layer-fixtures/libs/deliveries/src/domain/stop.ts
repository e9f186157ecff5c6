import './route';
