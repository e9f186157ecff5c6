// ✗ no-runtime-cycle (route -> stop -> route)
import './stop';
