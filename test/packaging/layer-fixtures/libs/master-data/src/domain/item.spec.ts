import '@app/testing';
import './item';
