import '@app/core';
import '@app/events';
import './client';
