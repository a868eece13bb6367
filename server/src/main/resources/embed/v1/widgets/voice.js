// The voice widget: audio calls (call-widget.js).
import {startCallWidget} from './call-widget.js';

startCallWidget('voice');
